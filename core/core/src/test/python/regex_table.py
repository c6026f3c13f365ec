#!/usr/bin/env python3
"""Builds the differential regex table for PythonRegexTableTest.

Each case is (pattern, input); the expected column is what Python's own `re.search` answers:
the match span "start:end", "-" for no match, or "error" when Python rejects the pattern.
Cases are grouped by the documented differences between Python `re` and java.util.regex
(docs/rules.md section 6). Run from the repository root:

    python3 core/core/src/test/python/regex_table.py > core/core/src/test/resources/org/ttp4j/rule/regex-table.tsv

Fields are tab-separated and escaped (\\\\, \\t, \\n, \\r, \\uXXXX for anything outside printable ASCII,
UTF-16 surrogate pairs above the BMP) so that the table survives any editor.
"""
import re
import sys
import warnings

warnings.simplefilter("ignore")  # FutureWarnings about possible set operations are irrelevant here

CASES = []


def case(group, pattern, *inputs):
    for s in inputs:
        CASES.append((group, pattern, s))


def cross(group, patterns, inputs):
    for p in patterns:
        case(group, p, *inputs)


# --- Unicode-aware \w \W \d \D \s \S \b \B ---------------------------------------------------
UNI = ["a", "Z", "_", "9", "é", "ß", "Ж", "中", "٣", "²", "½", "Ⅻ", "\u0301", "‿", "-", " ", "\u00a0",
       "\u2003", "\u3000", "\u001c", "\u001d", "\u001e", "\u001f", "\u0085", "\u2028", "\u2029", "\u200b",
       "\u180e", "\t", "\x0b", "\x0c", "\r", "\n", "\U0001d7d8", "\U0001f600", "𝔄", "ǅ", "ʰ", "々", ""]
cross("class", [r"\w", r"\W", r"\d", r"\D", r"\s", r"\S"], UNI)
cross("class", [r"[\w]", r"[^\w]", r"[\W\d]", r"[^\W\d]", r"[\s\d]", r"[^\s]", r"[\S]"],
      ["a", "5", " ", "\u001f", "é", "-", "٣", "_"])
cross("class-ascii", [r"(?a)\w", r"(?a)\d", r"(?a)\s", r"(?a)\W", r"(?a:\w)x", r"(?a)[\w]"],
      ["a", "é", "٣", "\u001c", " ", "_", "éx", "ax"])
cross("boundary", [r"\bfoo\b", r"\Bfoo", r"foo\B", r"\b", r"\B", r"(?a)\bfoo\b"],
      ["foo", "a foo b", "éfoo", "fooé", "_foo", "foo_", "foo-bar", "xfoox", "", " ", "foo\u0301",
       "\u0301foo", "٣foo", "foo²"])
case("boundary", r"\bcat\w*\b", "the catalog", "concat", "cat", "catégorie")
case("boundary", r"\b\w+\b", "héllo wörld", "---", "x")
# \b next to a literal ASCII word character is translated to one look-around; these pin that rewrite's edges:
# optional or repeated neighbours, case partners under (?i) (Kelvin sign, dotless i), (?a), (?x), alternation.
cross("boundary-literal", [r"\bk", r"(?i)\bk", r"(?i)\bi", r"k\b", r"(?i)s\b", r"a?\bb", r"\ba?b", r"a*\b", r"a+\b",
                           r"a+?\b", r"\bx{0,2}y", r"x{1,2}\b", r"a\bb", r"_\b", r"\b9", r"(?a)\bk", r"(?a)k\b",
                           r"(?x)\b k", r"(?x)k \b", r"(?x)k\b", r"x|\by", r"\bx|y\b", r"(?:ab)\b", r"é\b", r"\bé",
                           r"k(?#c)\b", r"(?a)\bé"],
      ["k", "ak", "ka", "-k-", "\u212ak", "a\u212a", "\u0131i", "i\u0131", "s\u017f", "\u017fs", "ab", "b", "-b",
       "xb", "aa-", "aab", "y", "xy", "xxy", "-y", "x-", "xx", "_", "a_", "_a", "9", "a9", "ék", "kê", "abé",
       "éé", "-é-", ""])

# --- case-insensitive ------------------------------------------------------------------------
cross("ignorecase", [r"(?i)straße", r"(?i)STRASSE", r"(?i)ß", r"(?i)ẞ", r"(?i)é", r"(?i)É", r"(?i)k",
                     r"(?i)\u212a", r"(?i)s", r"(?i)ſ", r"(?i)σ", r"(?i)Σ", r"(?i)ς", r"(?i)i", r"(?i)I",
                     r"(?i)ı", r"(?i)İ", r"(?i)µ", r"(?i)θ", r"(?i)ж", r"(?i)[a-z]+", r"(?i)[à-ÿ]",
                     r"(?ai)é", r"(?ai)k", r"(?ai)[a-z]", r"(?i)[ß]", r"(?i)[ẞx]", r"(?i)[^ß]"],
      ["straße", "STRASSE", "ß", "ẞ", "É", "é", "K", "\u212a", "S", "ſ", "Σ", "ς", "ı", "İ", "i", "μ",
       "ϑ", "Ж", "x"])
case("ignorecase", r"(?i:wget)\s+http", "WGET http", "WGET HTTP", "wget\u00a0http")
# Java's own Unicode case folding misses these (found by comparing every cased code point and many
# ranges with Python): Kelvin sign and U+0130 against [A-Z], the pairs of re._casefix Java does not
# equate (U+0390/U+1FD3, U+03B0/U+1FE3, U+FB05/U+FB06), ranges whose partners lie outside them.
cross("ignorecase-range", [r"(?i)[A-Z]", r"(?i)[^A-Z]", r"(?i)[J-L]+", r"(?i)[\u2129-\u212b]", r"(?i)[\u0100-\u017f]",
                           r"(?i)[\u0370-\u03ff]", r"(?i)[\u1e00-\u1fff]", r"(?i)\u0390", r"(?i)[\u1fd3]", r"(?i)\ufb05",
                           r"(?i)[^\ufb06]", r"(?i)[\u0130-\u0131]", r"(?ai)[A-Z]", r"(?i:[a-z]+)", r"(?i)[^\x00-\x7f]"],
      ["K", "\u212a", "k", "\u0130", "i", "I", "\u0131", "s", "\u017f", "\u00df", "\u1e9e", "\u0390", "\u1fd3",
       "\u03b0", "\u1fe3", "\ufb05", "\ufb06", "\u00e5", "\u212b", "\u03c9", "\u2126", "\u0345", "\u1fbe", "x"])
case("ignorecase", r"(?i)(ab)\1", "abAB", "aBab", "abcd")
case("ignorecase", r"a(?-i:b)c", "abc", "aBc")
case("ignorecase", r"(?i)a(?-i:b)c", "AbC", "ABC", "abc")

# --- line terminators: $ ^ . ---------------------------------------------------------------------
LINES = ["abc", "abc\n", "abc\r\n", "abc\r", "abc\u2028", "abc\u2029", "abc\u0085", "abc\n\n", "abc\nx",
         "x\nabc", "x\rabc", "x\u2028abc", "\n", ""]
cross("anchor", [r"abc$", r"^abc", r"(?m)abc$", r"(?m)^abc", r"abc\Z", r"\Aabc", r"c.", r"c.$",
                 r"(?s)c.", r"(?m)^$", r"^$", r"$", r"(?m)^", r"x.a", r"(?s)x.a", r"(?m)c$\n"], LINES)
case("anchor", r"(?m)^x?$", "a\n", "a\nb", "\n\n")
case("anchor", r"(?m:^b)", "a\nb", "ab")
case("anchor", r"a$|^b", "b\r\n", "xa\n")

# --- braces: literal { and {,n} ----------------------------------------------------------------
cross("brace", [r"\${[^}]*}", r"${jndi:", r"\$\{jndi:", r"{", r"a{", r"a{}", r"a{,}", r"a{,2}b", r"a{2}",
                r"a{2,}", r"a{1,2}", r"a{2,1}", r"x{ 1}", r"x{1 }", r"x{a}", r"{1}", r"x{1,2", r"x{,",
                r"{foo}", r"a{0}b", r"a{,0}b", r"\{1}", r"a{1}?", r"a{1,}+", r"a{99999999999}"],
      ["${jndi:ldap://x}", "a{}", "aab", "b", "x{ 1}", "x{a}", "{1}", "x{1,2", "{foo}", "aaa", "a", "ab"])

# --- Python spellings: (?P<n>), (?P=n), \Z, \v, octal, \x, \u, \N --------------------------------
cross("named", [r"(?P<q>['\"]).*?(?P=q)", r"(?P<word>\w+)\s(?P=word)", r"(?P<a>x)(?P<b>y)?(?P=a)",
                r"(?P<_n1>a)(?P=_n1)", r"(?P<é>a)(?P=é)", r"(?<n>a)", r"(?P<1>a)", r"(?P=x)",
                r"(?P<a>a)(?P<a>b)", r"(?P<a>a(?P=a))", r"(a)\1", r"(a)\2", r"(a)(b)\2\1", r"(a)\11",
                r"(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)\11", r"\1(a)"],
      ["'quoted' text", "hello hello", "hello world", "xyx", "xx", "aa", "é é", "aab", "abba",
       "a\t", "abcdefghijkk", "ab"])
cross("escape", [r"\Z", r"a\Z", r"\z", r"\v", r"[\v]", r"\x41", r"\x4", r"\u00e9", r"\u00e", r"\U0001F600",
                 r"\U00110000", r"\N{LATIN SMALL LETTER E WITH ACUTE}", r"\N{NO SUCH NAME}", r"\0", r"\07",
                 r"\101", r"\400", r"[\101]", r"[\1]", r"[\8]", r"\8", r"\a", r"[\b]", r"\e", r"\p{L}",
                 r"\h", r"\R", r"\Q.\E", r"\G", r"\k<x>", r"\-", r"\/", r"\é", r"\#", "\\", r"[\A]",
                 r"[\Z]", r"\cA", r"\X", r"\t", r"\f"],
      ["A", "é", "😀", "\x0b", "\x08", "\x00", "\x07", "a\n", "a", "\x01", "\x1b", "-", "/", "#", "\t", "\x0c"])

# --- classes -------------------------------------------------------------------------------------
cross("set", [r"[]a]", r"[^]a]", r"[a-]", r"[-a]", r"[a\-z]", r"[[]", r"[a[b]", r"[a&&b]", r"[^a&&b]",
              r"[a-c-e]", r"[z-a]", r"[\d-z]", r"[a-\d]", r"[", r"[a", r"[]", r"[^]", r"[\]]", r"[\\]",
              r"[.]", r"[$^]", r"[^^]", r"[a|b]", r"[-]", r"[\x00-\x1f]", r"[\u2028]", r"[ -~]", r"[^\x00-\x7f]"],
      ["]", "a", "-", "z", "[", "&", "b", "d", "c", "\\", ".", "^", "$", "|", "\x1f", "\u2028", "~", "é"])
# a literal '-' at either end of a class under (?i): the other members keep their case partners
cross("set-ignorecase", [r"(?i)[a-]", r"(?i)[-a]", r"(?i)[a-]b", r"(?i)[\w-]", r"(?i)[k-]", r"(?i)[^a-]",
                         r"(?i)[s-]t"],
      ["A", "a", "-", "B", "K", "\u212a", "ab", "AB", "_", "\u017ft", "St"])

# --- groups, flags, lookaround, quantifiers --------------------------------------------------
cross("group", [r"(?:ab)+", r"(ab)*c", r"(?=ab)a", r"(?!ab)a", r"(?<=a)b", r"(?<!a)b", r"(?<x)", r"(?#c)a",
                r"a(?#c)*", r"(?#unterminated", r"a(?#\))b", r"a(?#x\)y)b", r"(?#\)", r"a(?#\\)b", r"(?>a+)a", r"a*+a", r"a++b", r"a?+a", r"()", r"(|a)", r"a|", r"|", r"(a", r"a)", r")", r"*a", r"a**", r"a*?",
                r"a*??", r"+", r"?a", r"a|*b", r"(*a)", r"^*", r"$+", r"\b*", r"\A?", r"a{2}{3}",
                r"(?i)a|(?i)b", r"a(?i)b", r"(?x) a b # comment", r"(?x)a\ b", r"(?x)[ ]a", r"(?x)a #c\nb",
                r"(?x:a b)c d", r"(?L)a", r"(?au)a", r"(?-i)a", r"(?i-i:a)", r"(?q)a", r"(?", r"(?i",
                r"(?i-:a)", r"(?-a:a)", r"(?s:.)\n", r"(?s-s:.)", r"(?i)(?m)^A", r"(?u)\w", r"(?<=\bab)c",
                r"(?<=a|b)d", r"(?<=ab|cd)e", r"(?<!a{2})b", r"(?<=a|bc)d", r"(?<=a+)b", r"(?<=a?)b",
                r"(?<=(?:ab){2})c", r"(?<=a{1,2})b", r"(?<=(a|bc))d", r"(?<=\w\d[x-z].)e",
                r"(?<=(ab))\1", r"(a|bc)(?<=\1)d", r"(?<!(?=ab)a)c", r"(?<=^|;)a", r"(?<=\b)a"],
      ["ab", "abab", "c", "abc", "b", "ba", "aab", "aaab", "a", "aa", "", "a b", "a\nb", "A", "\n", "cd",
       "bcd", "aaaaaa", "abcd"])

# Known gaps, kept out of this table and pinned by PythonRegexTest instead: conditional groups
# (?(1)a|b), and back-references inside a look-behind ((ab)(?<=\1)d), are rejected: Java has no
# equivalent for either. A back-reference under (?i) compares by Java's case folding, which also
# equates e.g. "I" with U+0131 and U+03C2 with U+03A3 (Python compares simple lowercase only).
# \N{...} takes the character names Java knows: Python also accepts name aliases (\N{LF}) and the
# algorithmic Hangul syllable names; Java rejects those at load, with the position.

# --- realistic rule patterns -------------------------------------------------------------------
RULES = [
    r"(?i)\b(?:wget|curl)\b[^|;]*\|\s*(?:ba|z|da)?sh\b",
    r"\bchmod\s+(?:[0-7]{3,4}|\+x|[ugoa]*\+[rwx]*x)",
    r"/etc/(?:passwd|shadow)\b",
    r"(?i)\$\{\s*jndi\s*:",
    r"\${[^}]*}",
    r"(?i)(?:union\s+(?:all\s+)?select|or\s+1\s*=\s*1)",
    r"(?:\.\./|\.\.%2f|%2e%2e%2f){2,}",
    r"(?i)\bbase64\s+(?:-d|--decode)\b.*\|\s*(?:ba)?sh",
    r"\b(?:xmrig|minerd|cpuminer|kdevtmpfsi|kinsing)\b",
    r"^(?:root|admin|administrator|ubnt|pi|oracle|postgres)$",
    r"(?i)\.(?:env|git/config|aws/credentials)\b",
    r"(?P<u>\w+):(?P=u)",
]
cross("rules", RULES,
      ["wget http://x/a.sh | sh", "curl -s http://x|bash", "WGET x;sh", "chmod +x ./a", "chmod 777 /tmp/x",
       "chmod u+x a", "cat /etc/passwd", "cat /etc/passwd-", "cat /etc/shadowsocks", "${jndi:ldap://a/b}",
       "${ jNdI :rmi://a}", "$x{y}", "id=1 UNION ALL SELECT 1", "' or 1=1 --", "../../../etc", "..%2f..%2f",
       "echo aGk= | base64 -d | sh", "./xmrig -o pool", "minerd", "root", "root2", "ADMIN", "/.env", "/.git/config",
       "/environment", "admin:admin", "admin:root", "ls -la", "", "uname -a\n"])


def esc(s):
    out = []
    for ch in s:
        c = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif 0x20 <= c < 0x7f:
            out.append(ch)
        elif c > 0xFFFF:
            c -= 0x10000
            out.append("\\u%04x\\u%04x" % (0xD800 + (c >> 10), 0xDC00 + (c & 0x3FF)))
        else:
            out.append("\\u%04x" % c)
    return "".join(out)


def expected(pattern, s):
    try:
        rx = re.compile(pattern)
    except (re.error, OverflowError):
        return "error"
    m = rx.search(s)
    return "-" if m is None else "%d:%d" % m.span()


def main():
    w = sys.stdout
    w.write("# Generated by core/core/src/test/python/regex_table.py with Python %s; do not edit by hand.\n"
            % sys.version.split()[0])
    w.write("# group\tpattern\tinput\texpected (python re.search span start:end in UTF-16 units, - or error)\n")
    seen = set()
    for group, p, s in CASES:
        if (p, s) in seen:
            continue
        seen.add((p, s))
        e = expected(p, s)
        if e == "error":
            if ("error", p) in seen:
                continue  # one row per rejected pattern is enough
            seen.add(("error", p))
        if ":" in e:
            # spans in UTF-16 code units, as Java counts them
            a, b = (int(x) for x in e.split(":"))
            a = len(s[:a].encode("utf-16-le")) // 2
            b = len(s[:b].encode("utf-16-le")) // 2
            e = "%d:%d" % (a, b)
        w.write("%s\t%s\t%s\t%s\n" % (group, esc(p), esc(s), e))


if __name__ == "__main__":
    main()
