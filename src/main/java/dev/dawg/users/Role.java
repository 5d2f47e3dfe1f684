package dev.dawg.users;

/** What an account may do beyond its own data. */
public enum Role {
    USER, ADMIN
}
