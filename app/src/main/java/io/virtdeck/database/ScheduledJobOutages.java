package io.virtdeck.database;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.task.ThreadPoolTaskSchedulerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.support.TaskUtils;
import io.virtdeck.core.DatabaseOutage;

/**
 * A scheduled job (reconcile, metrics, rollup...) that meets the database away logs one line, not a stack trace
 * every few seconds for the whole outage; it runs again at its next turn. Other failures are logged as before.
 */
@Configuration(proxyBeanMethods = false)
class ScheduledJobOutages {

    private static final Logger log = LoggerFactory.getLogger(ScheduledJobOutages.class);

    @Bean
    ThreadPoolTaskSchedulerCustomizer quietWhileTheDatabaseIsAway() {
        return scheduler -> scheduler.setErrorHandler(failure -> {
            if (DatabaseOutage.causedBy(failure)) {
                log.warn("a scheduled job skipped its turn: the database is unreachable ({})", failure.getMessage());
            } else {
                TaskUtils.LOG_AND_SUPPRESS_ERROR_HANDLER.handleError(failure);
            }
        });
    }
}
