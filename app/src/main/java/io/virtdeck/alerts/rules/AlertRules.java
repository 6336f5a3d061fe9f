package io.virtdeck.alerts.rules;

import java.time.Instant;
import java.util.List;

import org.springframework.stereotype.Component;

/** The rules as the evaluator reads them: no permission asked, it runs as Virtdeck itself. */
@Component
public class AlertRules {

    private final AlertRuleRepository repository;

    AlertRules(AlertRuleRepository repository) {
        this.repository = repository;
    }

    public List<AlertRule> enabled() {
        return repository.findEnabled();
    }

    /** Records how far the rule's events were read; never moves back. */
    public void advance(long ruleId, long auditId, Instant until) {
        repository.advance(ruleId, auditId, until);
    }
}
