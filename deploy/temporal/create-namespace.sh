#!/bin/sh
# Waits for the Temporal server to be healthy, then makes sure the namespace exists.
set -eu
ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${DEFAULT_NAMESPACE:-default}"
tries=0
until temporal operator cluster health --address "$ADDRESS" >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then echo "Temporal at $ADDRESS did not become healthy"; exit 1; fi
  sleep 3
done
if temporal operator namespace describe -n "$NAMESPACE" --address "$ADDRESS" >/dev/null 2>&1; then
  echo "namespace $NAMESPACE exists"
else
  temporal operator namespace create -n "$NAMESPACE" --address "$ADDRESS"
  echo "namespace $NAMESPACE created"
fi
