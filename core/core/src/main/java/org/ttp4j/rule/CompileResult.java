package org.ttp4j.rule;

import java.util.List;

/** What compiling one rule file gave: a rule (perhaps with warnings) or the problems that stop it. */
public sealed interface CompileResult {

    /** Every problem found, errors first. */
    List<Problem> problems();

    record Compiled(CompiledRule rule, List<Problem> problems) implements CompileResult {
        public Compiled {
            problems = List.copyOf(problems);
        }
    }

    record Failed(List<Problem> problems) implements CompileResult {
        public Failed {
            problems = List.copyOf(problems);
        }
    }
}
