package dev.tessera.format;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import org.junit.jupiter.api.Test;

/** No package of tokenizer-client depends, through others, on itself. */
class ClientPackageCycleTest {

    @Test
    void packagesFormNoCycle() {
        JavaClasses classes =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                        .importPackages("dev.tessera.runtime", "dev.tessera.format", "dev.tessera.cli");
        slices().matching("dev.tessera.(**)").should().beFreeOfCycles().check(classes);
    }
}
