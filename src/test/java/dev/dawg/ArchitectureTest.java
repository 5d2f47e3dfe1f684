package dev.dawg;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The shape of the code, as the README's Layout section draws it: feature packages import only the packages
 * below them, so no two depend on each other, and {@code platform} (the ground floor) imports no feature. The DAWG
 * client's dialect sits on top: it calls the features' services and nothing calls it.
 */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.dawg");

    @Test
    void shouldHaveNoCycleBetweenPackages() {
        slices().matching("dev.dawg.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void shouldImportOnlyThePackagesBelow() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("platform").definedBy("dev.dawg.platform..")
                .layer("users").definedBy("dev.dawg.users..")
                .layer("auth").definedBy("dev.dawg.auth..")
                .layer("events").definedBy("dev.dawg.events..")
                .layer("sharing").definedBy("dev.dawg.sharing..")
                .layer("projects").definedBy("dev.dawg.projects..")
                .layer("social").definedBy("dev.dawg.social..")
                .layer("assets").definedBy("dev.dawg.assets..")
                .layer("processing").definedBy("dev.dawg.processing..")
                .layer("realtime").definedBy("dev.dawg.realtime..")
                .layer("avatars").definedBy("dev.dawg.avatars..")
                .layer("notifications").definedBy("dev.dawg.notifications..")
                .layer("presets").definedBy("dev.dawg.presets..")
                .layer("dawgclient").definedBy("dev.dawg.dawgclient..")
                .whereLayer("platform").mayNotAccessAnyLayer()
                .whereLayer("users").mayOnlyAccessLayers("platform")
                .whereLayer("auth").mayOnlyAccessLayers("platform", "users")
                .whereLayer("events").mayOnlyAccessLayers("platform", "auth")
                .whereLayer("sharing").mayOnlyAccessLayers("platform", "users", "auth", "events")
                .whereLayer("projects").mayOnlyAccessLayers("platform", "users", "auth", "events", "sharing")
                .whereLayer("social").mayOnlyAccessLayers("platform", "users", "auth", "events", "sharing", "projects")
                .whereLayer("assets").mayOnlyAccessLayers("platform", "users", "auth", "events", "sharing")
                .whereLayer("processing").mayOnlyAccessLayers("platform", "auth", "events", "assets")
                .whereLayer("processing").mayNotBeAccessedByAnyLayer()
                .whereLayer("realtime").mayOnlyAccessLayers("platform", "users", "auth", "events", "sharing")
                .whereLayer("avatars").mayOnlyAccessLayers("platform", "users", "auth", "assets")
                // Features report activities through events.ActivityNotifier and it reaches sessions through
                // events.UserEventPublisher: no feature imports notifications, and it imports neither social nor realtime.
                .whereLayer("notifications").mayOnlyAccessLayers("platform", "auth", "events", "sharing")
                .whereLayer("notifications").mayOnlyBeAccessedByLayers("dawgclient")
                .whereLayer("presets").mayOnlyAccessLayers("platform", "auth")
                .whereLayer("presets").mayOnlyBeAccessedByLayers("dawgclient")
                .whereLayer("dawgclient").mayNotBeAccessedByAnyLayer()
                .check(MAIN);
    }
}
