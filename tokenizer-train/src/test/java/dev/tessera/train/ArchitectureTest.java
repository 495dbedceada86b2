package dev.tessera.train;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The trainer's packages form a layered graph without cycles (docs/architecture.md): model,
 * quantize, data and io at the bottom; train; eval and export; analysis; report; pipeline, which
 * runs train → evaluate → export → report; cli, bench and api on top. The public API ({@code api})
 * is a facade: nothing else in the trainer depends on it, and its public signatures show no
 * internal type, so programs that use only it do not reach the internals.
 */
class ArchitectureTest {

    private static final String API = "dev.tessera.train.api";

    private static final JavaClasses TRAINER =
            new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages("dev.tessera.train");

    @Test
    void trainerPackagesAreFreeOfCycles() {
        // Each package is its own slice, so a cycle between any two of them fails.
        slices().matching("dev.tessera.train.(**)").should().beFreeOfCycles().check(TRAINER);
    }

    @Test
    void nothingInTheTrainerDependsOnItsPublicApi() {
        noClasses()
                .that()
                .resideOutsideOfPackage(API)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(API)
                .check(TRAINER);
    }

    @Test
    void publicSignaturesOfTheApiUseNoInternalType() {
        Set<String> leaks = new TreeSet<>();
        for (JavaClass type : TRAINER) {
            if (!type.getPackageName().equals(API) || !isPublic(type.getModifiers())) {
                continue;
            }
            for (JavaMember member : type.getMembers()) {
                if (!isPublic(member.getModifiers())) {
                    continue;
                }
                for (JavaClass used : typesIn(member)) {
                    if (used.getPackageName().startsWith("dev.tessera.train.")
                            && !used.getPackageName().equals(API)) {
                        leaks.add(member.getFullName() + " uses " + used.getName());
                    }
                }
            }
        }
        assertEquals(Set.of(), leaks);
    }

    private static boolean isPublic(Set<JavaModifier> modifiers) {
        return modifiers.contains(JavaModifier.PUBLIC);
    }

    /** Every class a member's declared types name, type arguments included. */
    private static List<JavaClass> typesIn(JavaMember member) {
        List<JavaType> types = new ArrayList<>();
        if (member instanceof JavaField field) {
            types.add(field.getType());
        } else if (member instanceof JavaCodeUnit code) {
            types.add(code.getReturnType());
            types.addAll(code.getParameterTypes());
        }
        List<JavaClass> classes = new ArrayList<>();
        types.forEach(t -> classes.addAll(t.getAllInvolvedRawTypes()));
        return classes;
    }
}
