package org.postern.server.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.GeneralCodingRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fences of docs/ARCHITECTURE.md that Maven module boundaries alone do not enforce. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importPostern() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.postern");
    }

    @Test
    void servicesSeeOnlyStorageInterfacesNotABackend() {
        noClasses().that().resideOutsideOfPackages("org.postern.server..", "org.postern.store.sql..")
                .should().dependOnClassesThat().resideInAPackage("org.postern.store.sql..")
                .check(classes);
    }

    @Test
    void onlyTheServerModuleKnowsTheServer() {
        noClasses().that().resideOutsideOfPackage("org.postern.server..")
                .should().dependOnClassesThat().resideInAPackage("org.postern.server..")
                .check(classes);
    }

    @Test
    void onlyTheCommandLinePrintsToStandardStreams() {
        noClasses().that().resideOutsideOfPackage("org.postern.server.cli..")
                .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS)
                .check(classes);
    }

    @Test
    void nothingPrintsStackTraces() {
        noClasses().should().callMethod(Throwable.class, "printStackTrace").check(classes);
    }

    @Test
    void theAccessRoomDependsOnNothingButTheModel() {
        noClasses().that().resideInAPackage("org.postern.access..")
                .should().dependOnClassesThat().resideInAnyPackage("org.postern.store..", "org.postern.mail..",
                        "org.postern.crypto..")
                .check(classes);
    }

    @Test
    void protocolFrontEndsNeverTouchStorage() {
        noClasses().that().resideInAnyPackage("org.postern.smtp..", "org.postern.imap..", "org.postern.codec..")
                .should().dependOnClassesThat().resideInAnyPackage("org.postern.store..", "org.postern.crypto..")
                .check(classes);
    }

    @Test
    void imapReachesMailOnlyThroughTheMailboxServiceAndIdentityOnlyThroughProtocolSignIn() {
        noClasses().that().resideInAPackage("org.postern.imap..")
                .should().dependOnClassesThat().resideInAnyPackage("org.postern.mail.message..",
                        "org.postern.mail.directory..", "org.postern.mail.keys..", "org.postern.mta..",
                        "org.postern.smtp..", "org.postern.auth.account..", "org.postern.auth.credential..",
                        "org.postern.auth.mfa..", "org.postern.auth.admin..", "org.postern.auth.token..")
                .check(classes);
    }

    @Test
    void smtpReachesIdentityOnlyThroughProtocolSignInAndTheAuditLog() {
        noClasses().that().resideInAPackage("org.postern.smtp..")
                .should().dependOnClassesThat().resideInAnyPackage("org.postern.auth.account..",
                        "org.postern.auth.credential..", "org.postern.auth.mfa..", "org.postern.auth.admin..",
                        "org.postern.auth.token..", "org.postern.auth.session..", "org.postern.auth.throttle..",
                        "org.postern.auth.secret..", "org.postern.auth.totp..", "org.postern.mail.keys..",
                        "org.postern.mail.mailbox..", "org.postern.mail.message..", "org.postern.imap..")
                .check(classes);
    }

    @Test
    void parsersOfUntrustedInputDependOnTheModelAndTheJdkOnly() {
        noClasses().that().resideInAPackage("org.postern.codec..")
                .should().dependOnClassesThat().resideInAnyPackage("org.postern.access..", "org.postern.mail..",
                        "org.postern.mta..", "org.postern.server..", "org.slf4j..")
                .check(classes);
    }
}
