package dev.tessera.runtime.onnx;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import org.junit.jupiter.api.Test;

/** No package of the tokenizer-runtime library depends, through others, on itself. */
class LibraryPackageCycleTest {

    @Test
    void packagesFormNoCycle() {
        JavaClasses classes =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                        .importPackages("dev.tessera.runtime.onnx", "dev.tessera.runtime.artifact", "dev.tessera.runtime.measure",
                                "dev.tessera.runtime.triton");
        slices().matching("dev.tessera.(**)").should().beFreeOfCycles().check(classes);
    }
}
