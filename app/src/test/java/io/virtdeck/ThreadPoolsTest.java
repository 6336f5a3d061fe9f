package io.virtdeck;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.virtdeck.support.Api;
import io.virtdeck.support.VirtdeckIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.ApplicationContext;
import org.springframework.core.task.TaskExecutor;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

/** Virtdeck's own pools run daemon threads named after their work, show on /actuator/prometheus, and leave Boot's. */
@VirtdeckIntegrationTest
class ThreadPoolsTest {

    @Autowired
    MockMvc mvc;
    @Autowired
    ApplicationContext context;
    @Autowired
    @Qualifier(ThreadPools.TASK_WORKERS)
    TaskExecutor taskWorkers;

    @Test
    void aTaskWorkerIsADaemonNamedAfterTasks() {
        Thread worker = CompletableFuture.supplyAsync(Thread::currentThread, taskWorkers).join();
        assertThat(worker.getName()).startsWith("task-");
        assertThat(worker.isDaemon()).isTrue();
    }

    @Test
    void everyPoolIsMeasuredOnPrometheus() throws Exception {
        String scrape = mvc.perform(get("/actuator/prometheus").with(httpBasic(Api.ADMIN, Api.ADMIN_PASSWORD)))
                .andReturn().getResponse().getContentAsString();
        for (String pool : List.of(ThreadPools.TASK_WORKERS, ThreadPools.METRICS_SAMPLERS,
                ThreadPools.HOST_LEASE_RENEWALS, ThreadPools.HOST_LEASE_WATCH, ThreadPools.MIGRATION_CALLS,
                ThreadPools.VOLUME_COPY_CALLS, ThreadPools.CONSOLE_PUMPS, ThreadPools.GUEST_AGENT_READERS,
                ThreadPools.GUEST_AGENT_CALLS, ThreadPools.ALERT_DELIVERY)) {
            assertThat(scrape).as(pool).contains("executor_pool_size_threads{name=\"" + pool + "\"}");
        }
    }

    @Test
    void bootsOwnExecutorAndSchedulerStay() {
        assertThat(context.getBean("applicationTaskExecutor")).isInstanceOf(TaskExecutor.class);
        assertThat(context.getBean("taskScheduler")).isInstanceOf(TaskScheduler.class);
    }
}
