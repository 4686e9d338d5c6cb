package io.balor.admin.auth;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The admin users, in the order they were added (the state file's order). Thread-safe: the admin
 * server's executor threads read and change it, the main thread fills it at start-up; every method
 * holds this object's monitor (the control plane is not the data path, and a user change is rare).
 *
 * <p>Refusals are exceptions the admin API maps to statuses: {@link NoSuchElementException} (404)
 * for a user that does not exist, {@link IllegalStateException} (409) for one that already does
 * and for a change that would leave no admin, {@link IllegalArgumentException} (400) for invalid
 * input. Each message says what is wrong and how to get on.
 *
 * <p>Deleting a user, changing its role or its password calls every {@linkplain #onAccessChange
 * access-change listener} with the username, while the monitor is held, so that no session of the
 * old credentials survives the change ({@link Authenticator} registers the session store's
 * {@link SessionStore#revokeUser}). Lock order: this directory, then the session store; a listener
 * must never call back into the directory.
 */
public final class UserDirectory {

    private final Map<String, User> users = new LinkedHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    /** An empty directory. */
    public UserDirectory() {
    }

    /**
     * A directory of {@code initial}, in its order.
     *
     * @throws IllegalArgumentException if two users have the same name
     */
    public UserDirectory(Collection<User> initial) {
        for (User user : initial) {
            if (users.putIfAbsent(user.username(), user) != null) {
                throw new IllegalArgumentException("two users are named '" + user.username() + "'");
            }
        }
    }

    /** Calls {@code listener} with the username after each delete, role change and password change. */
    public void onAccessChange(Consumer<String> listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    public synchronized Optional<User> find(String username) {
        return Optional.ofNullable(users.get(username));
    }

    /** Every user, in the directory's order; a copy. */
    public synchronized List<User> list() {
        return List.copyOf(users.values());
    }

    public synchronized int size() {
        return users.size();
    }

    public synchronized boolean isEmpty() {
        return users.isEmpty();
    }

    public synchronized int adminCount() {
        int admins = 0;
        for (User user : users.values()) {
            if (user.role() == Role.ADMIN) {
                admins++;
            }
        }
        return admins;
    }

    /**
     * Adds {@code user}.
     *
     * @throws IllegalStateException if a user of that name exists
     */
    public synchronized void add(User user) {
        if (users.containsKey(user.username())) {
            throw new IllegalStateException("a user named '" + user.username() + "' already exists");
        }
        users.put(user.username(), user);
    }

    /** Adds {@code user} only if there is no user at all (the bootstrap's check and add in one step). */
    public synchronized boolean addIfEmpty(User user) {
        if (!users.isEmpty()) {
            return false;
        }
        users.put(user.username(), user);
        return true;
    }

    /**
     * Gives {@code username} the role {@code role}; revokes its sessions if that changes anything.
     *
     * @return the changed user
     * @throws NoSuchElementException if there is no such user
     * @throws IllegalStateException  if it is the last admin and {@code role} is not admin
     */
    public synchronized User changeRole(String username, Role role) {
        User user = existing(username);
        if (user.role() == role) {
            return user;
        }
        if (role != Role.ADMIN) {
            checkNotLastAdmin(user, "made " + (role == Role.OPERATOR ? "an " : "a ") + role.wire());
        }
        return replace(user.withRole(role));
    }

    /**
     * Sets {@code username}'s password hash and revokes its sessions (including the caller's, when
     * users change their own password: they log in again with the new one).
     *
     * @return the changed user
     * @throws NoSuchElementException if there is no such user
     */
    public synchronized User changePassword(String username, String passwordHash) {
        return replace(existing(username).withPasswordHash(passwordHash));
    }

    /**
     * Replaces {@code username}'s hash with {@code newHash} if it is still {@code oldHash}, keeping
     * its sessions: the password is the same, only hashed more strongly ({@link Authenticator}'s
     * rehash at login). Whether it was replaced.
     */
    public synchronized boolean replaceHash(String username, String oldHash, String newHash) {
        User user = users.get(username);
        if (user == null || !user.passwordHash().equals(oldHash)) {
            return false;
        }
        users.put(username, user.withPasswordHash(newHash));
        return true;
    }

    /**
     * Deletes {@code username} and revokes its sessions.
     *
     * @return the deleted user
     * @throws NoSuchElementException if there is no such user
     * @throws IllegalStateException  if it is the last admin
     */
    public synchronized User delete(String username) {
        User user = existing(username);
        checkNotLastAdmin(user, "deleted");
        users.remove(username);
        notifyListeners(username);
        return user;
    }

    private User existing(String username) {
        User user = users.get(username);
        if (user == null) {
            throw new NoSuchElementException("there is no user named '" + username + "'");
        }
        return user;
    }

    private User replace(User changed) {
        users.put(changed.username(), changed);
        notifyListeners(changed.username());
        return changed;
    }

    /** Without an admin nobody could manage users any more (short of the admin token or balorctl). */
    private void checkNotLastAdmin(User user, String change) {
        if (user.role() == Role.ADMIN && adminCount() == 1) {
            throw new IllegalStateException("'" + user.username() + "' is the last admin and cannot be " + change
                    + ": nobody would be left to manage users; make another user an admin first");
        }
    }

    private void notifyListeners(String username) {
        for (Consumer<String> listener : listeners) {
            listener.accept(username);
        }
    }
}
