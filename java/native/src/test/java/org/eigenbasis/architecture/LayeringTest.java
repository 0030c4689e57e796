package org.eigenbasis.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/design-notes.md ("Packages and layers"), from the top: cli → domain packages (resetting,
 * precond, train, verify, influence) → linalg → filter → spi → value → internal. Backends (backend.java, backend.cpu,
 * backend.cuda) implement spi beside the domain, never under it; only binding knows org.bytedeco (see
 * BindingIsolationTest). The cli module sits on top by its Maven dependencies and is not imported here.
 */
class LayeringTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar")) // core's test-jar in a reactor build
            .importPackages("org.eigenbasis");

    private static final String[] DOMAIN = {"org.eigenbasis.resetting..", "org.eigenbasis.precond..",
        "org.eigenbasis.train..", "org.eigenbasis.verify..", "org.eigenbasis.influence..", "org.eigenbasis.basis..",
        "org.eigenbasis.diffusion.."};
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

    /** Packages that are implementation, not API (their package-info says so). */
    private static final String[] NOT_API = {"org.eigenbasis.internal..", "org.eigenbasis.binding..",
        "org.eigenbasis.backend.."};
    private static final String[] API = {"org.eigenbasis.value..", "org.eigenbasis.spi..", "org.eigenbasis.linalg..",
        "org.eigenbasis.filter..", "org.eigenbasis.io..", "org.eigenbasis.verify..", "org.eigenbasis.resetting..",
        "org.eigenbasis.precond..", "org.eigenbasis.train..", "org.eigenbasis.influence..", "org.eigenbasis.basis..",
        "org.eigenbasis.diffusion.."};

    @Test
    void noInternalTypeLeaksIntoThePublicApi() {
        ArchCondition<JavaCodeUnit> exposeNoInternalType = new ArchCondition<>("expose no internal type") {
            @Override
            public void check(JavaCodeUnit unit, ConditionEvents events) {
                List<JavaClass> types = new ArrayList<>(unit.getRawParameterTypes());
                types.add(unit.getRawReturnType());
                for (JavaClass t : types) {
                    JavaClass base = t.isArray() ? t.getBaseComponentType() : t;
                    if (isNotApi(base.getPackageName())) {
                        events.add(SimpleConditionEvent.violated(unit, unit.getFullName() + " exposes " + base.getName()));
                    }
                }
            }
        };
        codeUnits().that().arePublic().and().areDeclaredInClassesThat().arePublic()
                .and().areDeclaredInClassesThat().resideInAnyPackage(API)
                .should(exposeNoInternalType)
                .because("internal, binding and backend packages are implementation; the API must not hand them out")
                .check(CLASSES);
        fields().that().arePublic().and().areDeclaredInClassesThat().arePublic()
                .and().areDeclaredInClassesThat().resideInAnyPackage(API)
                .should().haveRawType(not(resideInAnyPackage(NOT_API)).as("an API type"))
                .allowEmptyShould(true)
                .check(CLASSES);
    }

    private static boolean isNotApi(String pkg) {
        return pkg.startsWith("org.eigenbasis.internal") || pkg.startsWith("org.eigenbasis.binding")
                || pkg.startsWith("org.eigenbasis.backend");
    }

    @Test
    void theRulesSeeEveryLayer() {
        // Guards against vacuous success: the import must hold classes of every layer named above.
        for (String name : new String[] {"org.eigenbasis.value.BatchedMatrix", "org.eigenbasis.spi.Backend",
            "org.eigenbasis.linalg.SymmetricEigen", "org.eigenbasis.precond.Optimizers",
            "org.eigenbasis.resetting.RenewalLaw", "org.eigenbasis.backend.java.JavaBackend",
            "org.eigenbasis.backend.cpu.CpuBackend", "org.eigenbasis.binding.CpuKernels",
            "org.eigenbasis.internal.random.Philox", "org.eigenbasis.basis.BasisOptimizer",
            "org.eigenbasis.basis.egop.EgopEstimator", "org.eigenbasis.basis.quadrants.FourQuadrants"}) {
            assertTrue(CLASSES.contain(name), name);
        }
    }
}
