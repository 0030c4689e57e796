package org.eigenbasis.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The top of the layering (the rest is LayeringTest in java/native): the command line uses the library's API and
 * nothing uses it; it never reaches the implementation packages (internal, binding) and names a backend class only
 * for the device-resident GPU timings ({@code CudaTiming}), which exist for {@code cuda-bench}.
 */
class CliLayeringTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("org.eigenbasis");

    @Test
    void nothingDependsOnTheCommandLine() {
        noClasses().that().resideOutsideOfPackage("org.eigenbasis.cli..")
                .should().dependOnClassesThat().resideInAPackage("org.eigenbasis.cli..")
                .check(CLASSES);
    }

    @Test
    void theCommandLineUsesTheApiNotTheImplementation() {
        noClasses().that().resideInAPackage("org.eigenbasis.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("org.eigenbasis.internal..",
                        "org.eigenbasis.binding..", "org.bytedeco..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("org.eigenbasis.cli..")
                .and().doNotHaveSimpleName("CudaBenchCommand")
                .should().dependOnClassesThat().resideInAPackage("org.eigenbasis.backend..")
                .because("commands pick a backend by name through Backends")
                .check(CLASSES);
    }

    @Test
    void theRulesSeeEveryModule() {
        for (String name : new String[] {"org.eigenbasis.cli.EigenbasisCli", "org.eigenbasis.linalg.SymmetricEigen",
            "org.eigenbasis.backend.cpu.CpuBackend", "org.eigenbasis.binding.CpuKernels"}) {
            assertTrue(CLASSES.contain(name), name);
        }
    }
}
