# Sourced by ./crm and .ci/run: picks a JDK 21 or newer and exports JAVA_HOME.
# JAVA_HOME wins when it points at a JDK 21+; otherwise the newest JDK 21+ under /usr/lib/jvm.
java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n 1
}
select_java() {
  local candidate major
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(java_major "$JAVA_HOME")
    if [ "${major:-0}" -ge 21 ] 2>/dev/null; then export JAVA_HOME; return 0; fi
    echo "JAVA_HOME=$JAVA_HOME is Java ${major:-?}; looking for Java 21+ instead" >&2
  fi
  for candidate in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    candidate=${candidate%/}
    [ -x "$candidate/bin/javac" ] || continue
    major=$(java_major "$candidate")
    if [ "${major:-0}" -ge 21 ] 2>/dev/null; then export JAVA_HOME="$candidate"; return 0; fi
  done
  return 1
}
