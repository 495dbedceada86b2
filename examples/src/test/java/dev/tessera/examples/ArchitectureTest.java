package dev.tessera.examples;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

import dev.tessera.train.cli.Flags;

import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

/**
 * The examples are programs a user copies, so they use the trainer only through its public API
 * ({@code dev.tessera.train.api}), and their packages have no cycles.
 */
class ArchitectureTest {

    private static final String FLAGS_AND_ITS_NESTED_CLASSES =
            Pattern.quote(Flags.class.getName()) + "(\\$.*)?";

    private static final JavaClasses EXAMPLES =
            new ClassFileImporter().importPackages("dev.tessera.examples");

    @Test
    void examplesAndTheirTestsUseOnlyTheTrainersPublicApi() {
        classes()
                .that()
                .resideInAPackage("dev.tessera.examples..")
                .should()
                .onlyDependOnClassesThat(
                        resideOutsideOfPackage("dev.tessera.train..")
                                .or(resideInAPackage("dev.tessera.train.api.."))
                                // Until every command parses its flags with picocli.
                                .or(nameMatching(FLAGS_AND_ITS_NESTED_CLASSES)))
                .check(EXAMPLES);
    }

    @Test
    void examplePackagesAreFreeOfCycles() {
        JavaClasses main =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.tessera.examples");
        slices().assignedFrom(EACH_PACKAGE).should().beFreeOfCycles().check(main);
    }

    /** Every package is a slice, dev.tessera.examples itself included. */
    private static final SliceAssignment EACH_PACKAGE =
            new SliceAssignment() {
                @Override
                public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                    return javaClass.getPackageName().startsWith("dev.tessera.examples")
                            ? SliceIdentifier.of(javaClass.getPackageName())
                            : SliceIdentifier.ignore();
                }

                @Override
                public String getDescription() {
                    return "the packages of the examples";
                }
            };
}
