package org.ttp4j.http;

/** What a bearer token may do (docs/http.md §2): read the catalogue, or also change rule state. */
public enum Role {
    VIEWER, ADMIN;

    /** True when this role may do what {@code needed} may. */
    boolean covers(Role needed) {
        return this == ADMIN || needed == VIEWER;
    }
}
