#!/bin/sh
# Tell nginx the container engine's DNS server, which knows the replicas: the first nameserver of
# /etc/resolv.conf (127.0.0.11 under Docker, the network's aardvark-dns under podman). Only the
# first: nginx asks every resolver it is given in turn, and the host's servers do not know "sfn".
set -eu
nameserver=$(awk '$1 == "nameserver" { print $2; exit }' /etc/resolv.conf)
case "$nameserver" in
    *:*) nameserver="[$nameserver]" ;;
esac
echo "resolver $nameserver valid=1s;" > /tmp/resolver.conf
exec nginx -c /etc/nginx/sfn/nginx.conf -g 'daemon off;'
