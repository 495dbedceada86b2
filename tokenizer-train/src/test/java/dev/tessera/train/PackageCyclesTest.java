package dev.tessera.train;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import org.junit.jupiter.api.Test;

/**
 * The trainer's packages form a layered graph, without cycles (docs/architecture.md): model,
 * quantize, data and io at the bottom; train; eval and export; analysis; report; pipeline, which
 * runs train → evaluate → export → report; cli, bench and api on top.
 */
class PackageCyclesTest {

    @Test
    void trainerPackagesAreFreeOfCycles() {
        JavaClasses classes =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.tessera.train");
        // Each package is its own slice, so a cycle between any two of them fails.
        slices().matching("dev.tessera.train.(**)").should().beFreeOfCycles().check(classes);
    }
}
