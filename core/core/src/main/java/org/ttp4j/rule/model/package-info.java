/**
 * The rule file's schema as Jakarta Validation constraints (docs/rules.md §2, §3): plain records that the
 * compiler binds from YAML and Hibernate Validator checks. Not exported; opened to
 * {@code org.hibernate.validator} for reflection.
 */
package org.ttp4j.rule.model;
