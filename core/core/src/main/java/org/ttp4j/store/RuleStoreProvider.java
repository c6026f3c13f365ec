package org.ttp4j.store;

/**
 * A store backend that {@link RuleStores} can open: the filesystem store in {@code org.ttp4j.core}, the database
 * store in {@code org.ttp4j.store.jdbc}. Found with {@link java.util.ServiceLoader}, so the core does not depend on
 * the backends it does not carry.
 */
public interface RuleStoreProvider {

    /** The {@link RuleStoreType} this provider opens. */
    RuleStoreType type();

    /**
     * Opens a store as {@code request} says.
     *
     * @throws StoreException when it cannot be opened, with a one-line message
     */
    RuleStore open(RuleStores.Builder request);
}
