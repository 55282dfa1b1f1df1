#!/bin/bash
# The guest smoke test with an AArch32 dom0 (zImage): see arm64-guest-smoke.t.
exec "$(dirname "$0")/arm64-guest-smoke.t" arm32
