package org.ttp4j.store;

/** The logger behind {@link StoreReporter#LOG}. */
final class StoreLog {
    private StoreLog() {}

    static final System.Logger LOGGER = System.getLogger("org.ttp4j.store");
}
