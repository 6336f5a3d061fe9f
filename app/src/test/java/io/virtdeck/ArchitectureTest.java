package io.virtdeck;

import org.junit.jupiter.api.Test;
import org.springframework.stereotype.Controller;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The house plan's rules (shared/ARCHITECTURE.md), held against the application's classes. */
class ArchitectureTest {

    private static final JavaClasses APP = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.virtdeck");

    @Test
    void onlyHypervisorTalksToLibvirt() {
        noClasses().that().resideOutsideOfPackage("io.virtdeck.hypervisor..")
                .should().dependOnClassesThat().resideInAnyPackage("org.libvirt..", "com.sun.jna..")
                .check(APP);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("io.virtdeck.(*)..").should().beFreeOfCycles().check(APP);
    }

    @Test
    void controllersReachRepositoriesThroughServices() {
        noClasses().that().areMetaAnnotatedWith(Controller.class)
                .should().dependOnClassesThat().haveSimpleNameEndingWith("Repository")
                .check(APP);
    }

    @Test
    void auditImportsNothingAboveIt() {
        classes().that().resideInAPackage("io.virtdeck.audit..")
                // logging is beneath every package: what audit keeps while the database is away is logged
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.virtdeck.audit..", "io.virtdeck.core..",
                        "java..", "javax..", "jakarta..", "org.springframework..", "org.slf4j..")
                .check(APP);
    }

    /**
     * Changing actions are audited by the action runner, refusals included; the audit log is written directly only
     * for what is seen rather than done: connections and sign-ins (a console's WebSocket, a login) and events (an alert
     * given up after its last attempt).
     */
    @Test
    void onlyTheActionRunnerAndEventRecordersWriteTheAuditLog() {
        noClasses().that().resideOutsideOfPackage("io.virtdeck.action..")
                .and().doNotHaveFullyQualifiedName("io.virtdeck.inventory.InventorySync")
                .and().doNotHaveFullyQualifiedName("io.virtdeck.inventory.HostRegistry")
                .and().doNotHaveFullyQualifiedName("io.virtdeck.security.LoginAudit")
                .and().doNotHaveFullyQualifiedName("io.virtdeck.security.LoginThrottle")
                .and().doNotHaveFullyQualifiedName("io.virtdeck.console.ConsoleService")
                .and().doNotHaveFullyQualifiedName("io.virtdeck.console.ConsoleTicketService")
                .and().doNotHaveFullyQualifiedName("io.virtdeck.alerts.targets.AlertSender")
                .and().resideOutsideOfPackage("io.virtdeck.audit..")
                .should().dependOnClassesThat().haveFullyQualifiedName("io.virtdeck.audit.AuditLog")
                .check(APP);
    }

    @Test
    void actionsImportOnlyAuditAndCore() {
        classes().that().resideInAPackage("io.virtdeck.action..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.virtdeck.action..", "io.virtdeck.audit..",
                        "io.virtdeck.core..", "java..", "org.springframework..", "org.slf4j..")
                .check(APP);
    }
}
