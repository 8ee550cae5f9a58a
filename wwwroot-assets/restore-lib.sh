#!/usr/bin/env bash
# Restores FraudWeb/wwwroot/lib from npm, following libman.json (the single source of truth).
# libman's CLI and its CDNs are unreachable here, npm is not; the packages are the same files jsdelivr serves.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
manifest="$here/libman.json"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# One line per library: name<TAB>version<TAB>destination<TAB>file1<TAB>file2...
node -e '
  const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const l of m.libraries) {
    const at = l.library.lastIndexOf("@");
    if (at <= 0) { console.error(`libman.json: "${l.library}" lacks an exact @version`); process.exit(1); }
    console.log([l.library.slice(0, at), l.library.slice(at + 1), l.destination, ...l.files].join("\t"));
  }
' "$manifest" > "$work/plan.tsv"

while IFS=$'\t' read -r -a row; do
  name="${row[0]}"; version="${row[1]}"; dest="$here/${row[2]}"; files=("${row[@]:3}")
  pkg="$work/pkg-$name"
  mkdir -p "$pkg"
  # npm pack fetches the exact published tarball without resolving dependencies or running scripts.
  tarball="$(cd "$work" && npm pack --silent "$name@$version" | tail -n 1)"
  tar -xzf "$work/$tarball" -C "$pkg"
  # Start from an empty folder so files dropped from the manifest disappear too.
  rm -rf "$dest"
  for f in "${files[@]}"; do
    if [[ ! -f "$pkg/package/$f" ]]; then
      echo "restore-lib: $name@$version has no file '$f'" >&2
      exit 1
    fi
    mkdir -p "$(dirname "$dest/$f")"
    cp "$pkg/package/$f" "$dest/$f"
  done
  echo "restored $name@$version (${#files[@]} files)"
done < "$work/plan.tsv"
