#!/bin/bash
# dom0 from an arm32 zImage (AArch32 domain): see arm64-dom0-load.t.
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
exec "$TOP/tests/boot/arm64-dom0-load.t" arm32
