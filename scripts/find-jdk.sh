# Sourced by ./whittle and ./run-tests: sets JAVA_HOME to a JDK 25 or newer.
# Order: JAVA_HOME if it is 25+, else the newest 25+ JDK under /usr/lib/jvm.
java_major() { # prints the feature version of the JDK at $1, or 0
  local v
  v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  echo "${v:-0}" | cut -d. -f1
}
whittle_find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(java_major "$JAVA_HOME")" -ge 25 ]; then
    return 0
  fi
  local best="" best_v=0 d v
  for d in /usr/lib/jvm/*; do
    [ -x "$d/bin/java" ] && [ -x "$d/bin/javac" ] || continue
    v=$(java_major "$d")
    if [ "$v" -ge 25 ] && [ "$v" -gt "$best_v" ]; then best="$d"; best_v=$v; fi
  done
  if [ -z "$best" ]; then
    echo "whittle: no JDK 25 or newer found (JAVA_HOME=${JAVA_HOME:-unset}, nothing suitable in /usr/lib/jvm). Install one, e.g. Temurin 25." >&2
    return 1
  fi
  export JAVA_HOME="$best"
}
