package org.ttp4j.http;

import java.util.LinkedHashMap;
import java.util.Map;

/** ATT&CK Enterprise tactics in matrix order: id to the short name the Navigator uses (e.g. {@code execution}). */
final class Tactics {
    private Tactics() {}

    static final Map<String, String> SHORT_NAMES = new LinkedHashMap<>();

    static {
        String[][] t = {
            {"TA0043", "reconnaissance"}, {"TA0042", "resource-development"}, {"TA0001", "initial-access"},
            {"TA0002", "execution"}, {"TA0003", "persistence"}, {"TA0004", "privilege-escalation"},
            {"TA0005", "defense-evasion"}, {"TA0006", "credential-access"}, {"TA0007", "discovery"},
            {"TA0008", "lateral-movement"}, {"TA0009", "collection"}, {"TA0011", "command-and-control"},
            {"TA0010", "exfiltration"}, {"TA0040", "impact"},
        };
        for (String[] e : t) {
            SHORT_NAMES.put(e[0], e[1]);
        }
    }

    /** The Navigator's short name of {@code tacticId}, or the id itself for one this table does not know. */
    static String shortName(String tacticId) {
        return SHORT_NAMES.getOrDefault(tacticId, tacticId);
    }
}
