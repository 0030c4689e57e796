package org.eigenbasis.spark;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Spark stays in this module: nothing else of eigenbasis (core, native, cli) may reach Spark or Scala. */
class SparkIsolationTest {
    @Test
    void onlyTheSparkPackageKnowsSpark() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("org.eigenbasis");
        if (classes.stream().noneMatch(c -> c.getPackageName().equals("org.eigenbasis.linalg"))) {
            throw new AssertionError("the core module's classes were not imported: the rule would check nothing");
        }
        noClasses().that().resideOutsideOfPackage("org.eigenbasis.spark..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "scala..")
                .because("Spark is a provided dependency of eigenbasis-spark only; the rest of eigenbasis is free of it")
                .check(classes);
    }

    @Test
    void theSparkPackageIsSeenFromTheImport() {
        // the rule above must have something to check against: this module's own classes import Spark
        JavaClasses spark = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.eigenbasis.spark");
        noClasses().that().resideInAPackage("org.eigenbasis.spark..").should().dependOnClassesThat()
                .resideInAnyPackage("org.eigenbasis.backend..", "org.eigenbasis.binding..", "org.eigenbasis.internal..")
                .because("the Spark module uses the public API only").check(spark);
        if (spark.size() < 3) {
            throw new AssertionError("only " + spark.size() + " classes of org.eigenbasis.spark imported");
        }
    }
}
