package org.eigenbasis.binding;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Only the binding layer may touch JavaCPP and the presets (org.bytedeco); the core module never does. */
class BindingIsolationTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.eigenbasis");

    @Test
    void onlyTheBindingPackageDependsOnBytedeco() {
        noClasses().that().resideOutsideOfPackage("org.eigenbasis.binding..")
                .should().dependOnClassesThat().resideInAPackage("org.bytedeco..")
                .because("the binding layer is the only place that knows JavaCPP")
                .check(CLASSES);
    }

    @Test
    void theRuleSeesBothModules() {
        // Guards the rule above against vacuous success: it must have imported the core and the binding classes.
        org.junit.jupiter.api.Assertions.assertTrue(CLASSES.contain("org.eigenbasis.linalg.SymmetricEigen"));
        org.junit.jupiter.api.Assertions.assertTrue(CLASSES.contain("org.eigenbasis.binding.EbCpuLibrary"));
    }
}
