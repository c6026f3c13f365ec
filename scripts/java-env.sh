# Sourced by every script: exports JAVA_HOME for a JDK >= 22 (the floor ttp4j compiles for).
# Order: $JAVA_HOME if new enough, else the newest JDK under /usr/lib/jvm, else one clear line.
_ttp4j_feature() { # prints the feature release of the JDK at $1, or 0
  [[ -x $1/bin/java && -x $1/bin/javac ]] || { echo 0; return; }
  local v; v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)
  echo "${v:-0}"
}
if [[ -z ${JAVA_HOME:-} || $(_ttp4j_feature "$JAVA_HOME") -lt 22 ]]; then
  _best= _bestv=0
  for _jdk in /usr/lib/jvm/*/; do
    _v=$(_ttp4j_feature "${_jdk%/}")
    (( _v > _bestv )) && { _best=${_jdk%/}; _bestv=$_v; }
  done
  if (( _bestv < 22 )); then
    echo "ttp4j needs a JDK >= 22 (25 recommended): install one (e.g. apt-get install openjdk-25-jdk) or set JAVA_HOME" >&2
    exit 1
  fi
  export JAVA_HOME=$_best
  unset _best _bestv _jdk _v
fi
export PATH="$JAVA_HOME/bin:$PATH"
