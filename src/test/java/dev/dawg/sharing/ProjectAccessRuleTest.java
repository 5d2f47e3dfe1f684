package dev.dawg.sharing;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.dawg.auth.CurrentUser;
import dev.dawg.users.Role;
import dev.dawg.platform.web.ApiProblem;
import dev.dawg.sharing.ProjectAccess.ShareFacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The access rule alone: owner × visibility × share link, without a database. */
class ProjectAccessRuleTest {

    private final ProjectAccess access = new ProjectAccess(null);
    private final UUID project = UUID.randomUUID();
    private final UUID owner = UUID.randomUUID();
    private final Optional<CurrentUser> ownerCaller = Optional.of(CurrentUser.fromAccessToken(owner, "owner", EnumSet.of(Role.USER)));
    private final Optional<CurrentUser> otherCaller = Optional.of(CurrentUser.fromAccessToken(UUID.randomUUID(), "other", EnumSet.of(Role.USER)));
    private final Optional<CurrentUser> admin = Optional.of(CurrentUser.fromAccessToken(UUID.randomUUID(), "admin", EnumSet.of(Role.USER, Role.ADMIN)));

    @ParameterizedTest
    @CsvSource({ "PRIVATE", "UNLISTED", "PUBLIC" })
    void shouldGiveTheOwnerEveryRightWhateverTheVisibility(Visibility visibility) {
        assertThat(access.decide(ownerCaller, project, owner, visibility, null).level()).isEqualTo(AccessLevel.OWNER);
    }

    @ParameterizedTest
    @CsvSource({ "PUBLIC, REMIX", "UNLISTED, VIEW" })
    void shouldLetAnyoneReadPublicAndUnlistedProjects(Visibility visibility, AccessLevel expected) {
        assertThat(access.decide(otherCaller, project, owner, visibility, null).level()).isEqualTo(expected);
        assertThat(access.decide(Optional.empty(), project, owner, visibility, null).level()).isEqualTo(expected);
    }

    @Test
    void shouldHideAPrivateProjectFromEveryoneElseIncludingAdministrators() {
        for (Optional<CurrentUser> caller : java.util.List.of(otherCaller, admin, Optional.<CurrentUser>empty())) {
            assertThatThrownBy(() -> access.decide(caller, project, owner, Visibility.PRIVATE, null))
                    .isInstanceOfSatisfying(ApiProblem.class, problem -> assertThat(problem.status().value()).isEqualTo(404));
        }
    }

    @ParameterizedTest
    @CsvSource({ "VIEW", "REMIX", "EDIT" })
    void shouldGrantAShareLinksLevelOnAPrivateProject(AccessLevel level) {
        ShareFacts share = new ShareFacts(level, Instant.now().plusSeconds(60));
        assertThat(access.decide(otherCaller, project, owner, Visibility.PRIVATE, share).level()).isEqualTo(level);
    }

    @Test
    void shouldNeverLowerAccessBecauseOfAWeakerShareLink() {
        ShareFacts view = new ShareFacts(AccessLevel.VIEW, null);
        assertThat(access.decide(otherCaller, project, owner, Visibility.PUBLIC, view).level()).isEqualTo(AccessLevel.REMIX);
        ShareFacts edit = new ShareFacts(AccessLevel.EDIT, null);
        assertThat(access.decide(otherCaller, project, owner, Visibility.PUBLIC, edit).level()).isEqualTo(AccessLevel.EDIT);
    }

    @Test
    void shouldAnswerGoneForAnExpiredLinkThatWasTheOnlyWayIn() {
        ShareFacts expired = new ShareFacts(AccessLevel.EDIT, Instant.now().minusSeconds(1));
        assertThatThrownBy(() -> access.decide(otherCaller, project, owner, Visibility.PRIVATE, expired))
                .isInstanceOfSatisfying(ApiProblem.class, problem -> assertThat(problem.code()).isEqualTo("GONE"));
        assertThat(access.decide(otherCaller, project, owner, Visibility.UNLISTED, expired).level()).isEqualTo(AccessLevel.VIEW);
    }

    @Test
    void shouldRefuseWithForbiddenWhatAReaderMayNotDo() {
        ProjectAccess.Grant reader = access.decide(otherCaller, project, owner, Visibility.UNLISTED, null);
        assertThat(reader.allows(AccessLevel.VIEW)).isTrue();
        assertThatThrownBy(() -> reader.require(AccessLevel.EDIT))
                .isInstanceOfSatisfying(ApiProblem.class, problem -> assertThat(problem.status().value()).isEqualTo(403));
    }
}
