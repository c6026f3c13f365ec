/** An engine that embeds ttp4j on a database store: the database module, and a JDBC driver on the module path. */
module com.example.dbtagger {
    requires org.ttp4j.store.jdbc;
}
