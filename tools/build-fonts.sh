#!/usr/bin/env bash
# Rebuilds the WOFF2 font subsets the binary serves, from Debian's fonts-noto-core.
# Run by hand when the fonts or the subset change; the outputs are committed.
# Needs: apt-get install -y fonts-noto-core fonttools python3-brotli
set -euo pipefail
src=/usr/share/fonts/truetype/noto
out=$(dirname "$0")/../internal/web/assets/fonts
# Arabic-script letters, Urdu additions, presentation forms, digits and the
# punctuation that Urdu and Arabic text use (، ؛ ؟ ۔), plus joiners and marks.
ranges="U+0020-007E,U+00A0,U+0600-06FF,U+0750-077F,U+08A0-08FF,U+200C-200F,U+2010-2027,U+FB50-FDFF,U+FE70-FEFF"
for f in NotoNastaliqUrdu-Regular NotoNastaliqUrdu-Bold NotoNaskhArabic-Regular NotoNaskhArabic-Bold; do
  pyftsubset "$src/$f.ttf" --unicodes="$ranges" --layout-features='*' --flavor=woff2 \
    --output-file="$out/$f.woff2"
done
ls -l "$out"
