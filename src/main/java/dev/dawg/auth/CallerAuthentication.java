package dev.dawg.auth;

import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

import dev.dawg.users.Role;

/** The Spring Security authentication of a request, whatever the credential, carrying its {@link CurrentUser}. */
final class CallerAuthentication extends AbstractAuthenticationToken {

    /** The authorities of each set of roles (a handful), built once rather than on every request. */
    private static final Map<Set<Role>, List<GrantedAuthority>> AUTHORITIES = new ConcurrentHashMap<>();

    private final CurrentUser user;
    private final List<GrantedAuthority> authorities;

    CallerAuthentication(CurrentUser user) {
        this(user, AUTHORITIES.computeIfAbsent(user.roles(), roles -> roles.stream()
                .<GrantedAuthority>map(role -> new SimpleGrantedAuthority("ROLE_" + role.name())).toList()));
    }

    private CallerAuthentication(CurrentUser user, List<GrantedAuthority> authorities) {
        super(authorities);
        this.user = user;
        this.authorities = authorities;
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
    public List<GrantedAuthority> getAuthorities() {
        return authorities;
    }
}
