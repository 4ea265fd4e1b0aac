"""``sfn deploy``: a SAM or CloudFormation template made real on a running server, through its API.

``template`` reads the file (``cfn-lint``'s decoder: YAML or JSON, short-form tags), parameters and conditions;
``intrinsics`` resolves ``Ref``, ``Fn::GetAtt``, ``Fn::Sub``, ``Fn::Join``, ``Fn::If``…; ``resources`` turns each
resource into what this server runs (or the reason it is skipped); ``apply`` creates, updates and deletes them.
"""
