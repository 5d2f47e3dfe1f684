package dev.dawg.dawgclient.interactions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.dawg.social.Comment;
import dev.dawg.social.ProjectComments.CommentThread;

/**
 * A comment as the DAWG client reads it: its text as {@code text} (what the comment list shows) and {@code content}
 * (what the client sent), the author with {@code username} and {@code avatarUrl}, and {@code replies} nested.
 */
record ClientComment(UUID id, UUID projectId, UUID userId, UUID parentId, String text, String content, long likeCount,
        Instant createdAt, Instant updatedAt, Author author, List<ClientComment> replies) {

    /** The author as the client shows them. */
    record Author(UUID id, String username, String displayName, String avatarUrl) {
    }

    /** A comment just written: no replies yet. */
    static ClientComment of(Comment comment) {
        return of(comment, List.of());
    }

    static ClientComment of(CommentThread thread) {
        return of(thread.comment(), thread.replies().stream().map(ClientComment::of).toList());
    }

    private static ClientComment of(Comment comment, List<ClientComment> replies) {
        Comment.Author author = comment.author();
        // Comments are not edited, so a comment was last updated when it was written; nor liked, so no likes.
        return new ClientComment(comment.id(), comment.projectId(), author.id(), comment.parentId(), comment.text(), comment.text(), 0,
                comment.createdAt(), comment.createdAt(), new Author(author.id(), author.username(), author.displayName(), author.avatarUrl()),
                replies);
    }

    /**
     * The {@code comments} of a page: each top-level comment with its whole thread nested under {@code replies},
     * followed by the replies of that thread one by one, each after the comment it answers, with empty {@code replies}. The client's
     * comment modal rebuilds its tree from this list alone, by {@code parentId}, and drops the nested {@code replies}
     * it receives, so a reply not also listed would never be shown; listing it flat keeps the page's size linear in its
     * comments. Readers of the nested form keep the entries whose {@code parentId} is null.
     */
    static List<ClientComment> listed(List<CommentThread> threads) {
        List<ClientComment> listed = new ArrayList<>();
        for (CommentThread thread : threads) {
            listed.add(ClientComment.of(thread));
            addReplies(thread, listed);
        }
        return listed;
    }

    private static void addReplies(CommentThread thread, List<ClientComment> listed) {
        for (CommentThread reply : thread.replies()) {
            listed.add(ClientComment.of(reply.comment()));
            addReplies(reply, listed);
        }
    }
}
