# Shared by scripts/run and scripts/test (source it after common.sh): the npm packages of the
# checkout, installed exactly as their lockfiles say, and the static site the API serves from
# LGVO_WEB_DIR (default <build>/web): /docs, the interactive API reference.

# The Debian packages for Node.js and npm, when the commands are missing (Debian's nodejs has
# no npm of its own).
NODE_PACKAGES=()
command -v node >/dev/null 2>&1 || NODE_PACKAGES+=(nodejs)
command -v npm >/dev/null 2>&1 || NODE_PACKAGES+=(npm)

# npm_ci DIR: `npm ci` in DIR (which has package.json and package-lock.json), unless DIR's
# node_modules was installed from this very lockfile already (then nothing is fetched and no
# network is needed). Install scripts are not run: none of our packages needs one.
npm_ci() {
    local dir stamp sum
    dir=$(cd "$1" && pwd) || die "no directory $1"
    stamp=$dir/node_modules/.lgvo-lockfile.sha256
    sum=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
        return 0
    fi
    log "npm ci in ${dir#"$LGVO_ROOT"/}"
    # Once more on failure: npm ci now and then trips over its own half-removed node_modules.
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >"$dir/.npm-ci.log" 2>&1) ||
        (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >"$dir/.npm-ci.log" 2>&1) || {
        cat "$dir/.npm-ci.log" >&2
        die "npm ci in $dir failed"
    }
    rm -f "$dir/.npm-ci.log"
    printf '%s\n' "$sum" >"$stamp"
}

# web_build BUILD_DIR: installs api/web's packages and assembles BUILD_DIR/web/: docs/ holds
# api/web/docs (the page and its start script) and the Swagger UI files it loads; the top
# level holds the county dashboard, api/web/dashboard (index.html answers "/"), with the
# charting library it loads in vendor/ (Observable Plot's and d3's UMD builds).
web_build() {
    local out=$1/web web=$LGVO_ROOT/api/web f
    local ui=$web/node_modules/swagger-ui-dist
    npm_ci "$web"
    rm -rf "$out.new"
    mkdir -p "$out.new/docs" "$out.new/vendor"
    cp "$web"/docs/* "$out.new/docs/"
    for f in swagger-ui.css swagger-ui-bundle.js favicon-32x32.png; do
        cp "$ui/$f" "$out.new/docs/$f" || die "swagger-ui-dist has no $f"
    done
    cp -R "$web"/dashboard/. "$out.new/"
    for f in @observablehq/plot/dist/plot.umd.min.js d3/dist/d3.min.js; do
        cp "$web/node_modules/$f" "$out.new/vendor/" || die "api/web/node_modules has no $f"
    done
    rm -rf "$out"
    mv "$out.new" "$out"
}
