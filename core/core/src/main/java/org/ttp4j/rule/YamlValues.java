package org.ttp4j.rule;

import java.math.BigInteger;
import java.util.Locale;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * YAML 1.1 scalar values as PyYAML's safe loader reads them (the resolver has already chosen the tag):
 * strings, integers ({@code 0x}, {@code 0b}, leading-zero octal, {@code _} separators, base 60),
 * floats ({@code .inf}, {@code .nan}, base 60), booleans ({@code yes/no/on/off/true/false}) and null.
 * Timestamps stay strings (rule files only carry them in ignored keys such as {@code last_reviewed}).
 */
final class YamlValues {
    private YamlValues() {}

    private static final java.util.regex.Pattern DECIMAL =
            java.util.regex.Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");

    /** Thrown for a scalar whose tag is not one of the safe standard tags, or whose text does not fit it. */
    static final class BadScalar extends Exception {
        BadScalar(String message) {
            super(message, null, false, false);
        }
    }

    static Object value(ScalarNode node) throws BadScalar {
        Tag tag = node.getTag();
        String v = node.getValue();
        if (tag.equals(Tag.STR) || tag.equals(Tag.TIMESTAMP)) {
            return v;
        }
        if (tag.equals(Tag.NULL)) {
            return null;
        }
        if (tag.equals(Tag.BOOL)) {
            return bool(v);
        }
        if (tag.equals(Tag.INT)) {
            return integer(v);
        }
        if (tag.equals(Tag.FLOAT)) {
            return floating(v);
        }
        throw new BadScalar("tag " + tag.getValue() + " is not allowed (safe loading: strings, numbers, booleans,"
                + " null, lists and mappings only)");
    }

    /** A short name of a value's YAML type, for messages such as "must be a string, found an integer". */
    static String typeName(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof Long || value instanceof BigInteger) {
            return "an integer";
        }
        if (value instanceof Double) {
            return "a float";
        }
        if (value instanceof java.util.List) {
            return "a list";
        }
        if (value instanceof java.util.Map) {
            return "a mapping";
        }
        return value.getClass().getSimpleName();
    }

    private static Boolean bool(String v) throws BadScalar {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "yes", "true", "on", "y" -> Boolean.TRUE;
            case "no", "false", "off", "n" -> Boolean.FALSE;
            default -> throw new BadScalar("'" + v + "' is not a boolean");
        };
    }

    private static Object integer(String text) throws BadScalar {
        String v = text.replace("_", "");
        boolean negative = v.startsWith("-");
        if (v.startsWith("-") || v.startsWith("+")) {
            v = v.substring(1);
        }
        try {
            BigInteger n;
            if (v.equals("0")) {
                n = BigInteger.ZERO;
            } else if (v.startsWith("0b")) {
                n = new BigInteger(v.substring(2), 2);
            } else if (v.startsWith("0x")) {
                n = new BigInteger(v.substring(2), 16);
            } else if (v.startsWith("0")) {
                n = new BigInteger(v.substring(1), 8);
            } else if (v.contains(":")) {
                n = BigInteger.ZERO;
                for (String digit : v.split(":")) {
                    n = n.multiply(BigInteger.valueOf(60)).add(new BigInteger(digit));
                }
            } else {
                n = new BigInteger(v);
            }
            n = negative ? n.negate() : n;
            return n.bitLength() < 64 ? (Object) n.longValue() : n;
        } catch (NumberFormatException e) {
            throw new BadScalar("'" + text + "' is not an integer");
        }
    }

    private static Double floating(String text) throws BadScalar {
        String v = text.replace("_", "");
        String lower = v.toLowerCase(Locale.ROOT);
        switch (lower) {
            case ".inf", "+.inf": return Double.POSITIVE_INFINITY;
            case "-.inf": return Double.NEGATIVE_INFINITY;
            case ".nan": return Double.NaN;
            default: break;
        }
        try {
            if (v.contains(":")) {
                boolean negative = v.startsWith("-");
                String digits = v.startsWith("-") || v.startsWith("+") ? v.substring(1) : v;
                double n = 0;
                for (String part : digits.split(":")) {
                    n = n * 60 + Double.parseDouble(part);
                }
                return negative ? -n : n;
            }
            if (!DECIMAL.matcher(v).matches()) {
                throw new NumberFormatException(v);
            }
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new BadScalar("'" + text + "' is not a number");
        }
    }
}
