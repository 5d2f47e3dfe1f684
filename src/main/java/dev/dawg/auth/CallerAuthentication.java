package dev.dawg.auth;

import java.security.Principal;
import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** The Spring Security authentication of a request, whatever the credential, carrying its {@link CurrentUser}. */
final class CallerAuthentication extends AbstractAuthenticationToken {

    private final CurrentUser user;

    CallerAuthentication(CurrentUser user) {
        super(user.roles().stream().map(role -> new SimpleGrantedAuthority("ROLE_" + role.name())).toList());
        this.user = user;
        setAuthenticated(true);
    }

    static CurrentUser currentUser(Principal principal) {
        return principal instanceof CallerAuthentication authentication ? authentication.user : null;
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Object getPrincipal() {
        return user;
    }

    /** The user's id: what parts outside auth (read-your-writes routing) know a signed-in caller by. */
    @Override
    public String getName() {
        return user.id().toString();
    }

    @Override
    public List<org.springframework.security.core.GrantedAuthority> getAuthorities() {
        return List.copyOf(super.getAuthorities());
    }
}
