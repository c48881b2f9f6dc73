# Shared by ./postern and ./run-tests: find a JDK 25 or newer.
# Honours POSTERN_JAVA_HOME, then JAVA_HOME (if it is new enough), then /usr/lib/jvm/*.
# Callers define die() before sourcing this file.

MIN_JAVA=25


# Major version of the JDK at $1, or nothing if it is not a JDK.
java_major() {
    local home="$1" version=""
    [[ -x "$home/bin/java" ]] || return 0
    if [[ -r "$home/release" ]]; then
        version="$(sed -n 's/^JAVA_VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$home/release" | head -n 1)"
    fi
    if [[ -z "$version" ]]; then
        version="$("$home/bin/java" -XshowSettings:properties -version 2>&1 \
            | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)"
    fi
    version="${version#1.}"
    version="${version%%[!0-9]*}"
    [[ -n "$version" ]] && printf '%s\n' "$version"
    return 0
}

is_usable_jdk() {
    local major
    major="$(java_major "$1")"
    [[ -n "$major" && "$major" -ge "$MIN_JAVA" && -x "$1/bin/javac" ]]
}

find_jdk() {
    local candidate
    if [[ -n "${POSTERN_JAVA_HOME:-}" ]]; then
        is_usable_jdk "$POSTERN_JAVA_HOME" \
            || die "POSTERN_JAVA_HOME=$POSTERN_JAVA_HOME is not a JDK $MIN_JAVA or newer"
        printf '%s\n' "$POSTERN_JAVA_HOME"
        return
    fi
    if [[ -n "${JAVA_HOME:-}" ]] && is_usable_jdk "$JAVA_HOME"; then
        printf '%s\n' "$JAVA_HOME"
        return
    fi
    for candidate in /usr/lib/jvm/*temurin-25* /usr/lib/jvm/*; do
        [[ -d "$candidate" ]] || continue
        if is_usable_jdk "$candidate"; then
            printf '%s\n' "$candidate"
            return
        fi
    done
    die "no JDK $MIN_JAVA or newer found: set POSTERN_JAVA_HOME or JAVA_HOME to one (checked JAVA_HOME and /usr/lib/jvm)"
}

