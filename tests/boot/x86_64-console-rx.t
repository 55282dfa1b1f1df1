#!/bin/bash
# Serial input reaches dom0 (x86_64): see console-rx.sh.
exec "$(dirname "$0")/console-rx.sh" x86_64
