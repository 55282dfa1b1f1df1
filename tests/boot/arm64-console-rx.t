#!/bin/bash
# Serial input reaches dom0 (arm64): see console-rx.sh.
exec "$(dirname "$0")/console-rx.sh" arm64
