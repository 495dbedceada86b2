package dev.tessera.runtime.cli;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import org.junit.jupiter.api.Test;

/** No package of tokenizer-server depends, through others, on itself. */
class ServerPackageCycleTest {

    @Test
    void packagesFormNoCycle() {
        JavaClasses classes =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                        .importPackages("dev.tessera.runtime.server", "dev.tessera.runtime.cli", "dev.tessera.runtime.bench");
        slices().matching("dev.tessera.(**)").should().beFreeOfCycles().check(classes);
    }
}
