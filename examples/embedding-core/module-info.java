/** An engine that embeds ttp4j: one line of module-info. */
module com.example.tagger {
    requires org.ttp4j.core;
}
