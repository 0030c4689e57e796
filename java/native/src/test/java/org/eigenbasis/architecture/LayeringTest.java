package org.eigenbasis.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/design-notes.md ("Packages and layers"), from the top: cli → domain packages (resetting,
 * precond, train, verify) → linalg → filter → spi → value → internal. Backends (backend.java, backend.cpu,
 * backend.cuda) implement spi beside the domain, never under it; only binding knows org.bytedeco (see
 * BindingIsolationTest). The cli module sits on top by its Maven dependencies and is not imported here.
 */
class LayeringTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar")) // core's test-jar in a reactor build
            .importPackages("org.eigenbasis");

    private static final String[] DOMAIN = {"org.eigenbasis.resetting..", "org.eigenbasis.precond..",
        "org.eigenbasis.train..", "org.eigenbasis.verify.."};
    private static final String[] BACKENDS = {"org.eigenbasis.backend..", "org.eigenbasis.binding.."};

    @Test
    void noPackageCycles() {
        slices().matching("org.eigenbasis.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void internalDependsOnNothingOfOurs() {
        noClasses().that().resideInAPackage("org.eigenbasis.internal..")
                .should().dependOnClassesThat(resideInAPackage("org.eigenbasis..")
                        .and(not(resideInAPackage("org.eigenbasis.internal.."))))
                .because("internal is the bottom layer: direct memory, random numbers, deterministic math")
                .check(CLASSES);
    }

    @Test
    void valueTypesSitAboveInternalOnly() {
        classes().that().resideInAPackage("org.eigenbasis.value..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("org.eigenbasis.value..",
                        "org.eigenbasis.internal..", "java..")
                .check(CLASSES);
    }

    @Test
    void spiSeesOnlyValueTypes() {
        classes().that().resideInAPackage("org.eigenbasis.spi..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("org.eigenbasis.spi..",
                        "org.eigenbasis.value..", "org.eigenbasis.internal..", "java..", "org.slf4j..")
                .check(CLASSES);
    }

    @Test
    void linalgAndFilterSitBelowTheDomain() {
        classes().that().resideInAnyPackage("org.eigenbasis.linalg..", "org.eigenbasis.filter..",
                        "org.eigenbasis.io..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("org.eigenbasis.linalg..",
                        "org.eigenbasis.filter..", "org.eigenbasis.io..", "org.eigenbasis.spi..",
                        "org.eigenbasis.value..", "org.eigenbasis.internal..", "java..", "org.slf4j..")
                .check(CLASSES);
    }

    @Test
    void domainReachesBackendsOnlyThroughTheSpi() {
        noClasses().that().resideInAnyPackage(DOMAIN)
                .should().dependOnClassesThat().resideInAnyPackage(BACKENDS)
                .because("a domain package asks Backends for a backend; it never names one")
                .check(CLASSES);
        noClasses().that().resideInAnyPackage("org.eigenbasis.linalg..", "org.eigenbasis.filter..",
                        "org.eigenbasis.io..", "org.eigenbasis.spi..", "org.eigenbasis.value..")
                .should().dependOnClassesThat().resideInAnyPackage(BACKENDS)
                .check(CLASSES);
    }

    @Test
    void backendsSitBesideTheDomainNotUnderIt() {
        noClasses().that().resideInAnyPackage(BACKENDS)
                .should().dependOnClassesThat().resideInAnyPackage(DOMAIN)
                .because("backends implement the spi on value types; domain logic calls them, not the reverse")
                .check(CLASSES);
    }

    @Test
    void theRulesSeeEveryLayer() {
        // Guards against vacuous success: the import must hold classes of every layer named above.
        for (String name : new String[] {"org.eigenbasis.value.BatchedMatrix", "org.eigenbasis.spi.Backend",
            "org.eigenbasis.linalg.SymmetricEigen", "org.eigenbasis.precond.Optimizers",
            "org.eigenbasis.resetting.RenewalLaw", "org.eigenbasis.backend.java.JavaBackend",
            "org.eigenbasis.backend.cpu.CpuBackend", "org.eigenbasis.binding.CpuKernels",
            "org.eigenbasis.internal.random.Philox"}) {
            assertTrue(CLASSES.contain(name), name);
        }
    }
}
