package dev.dawg.events;

/**
 * Where features report an {@link Activity} once the action is stored; the notifications feature implements it.
 * Telling never fails, nor waits for, the action: the activity is queued (a bounded queue; past its bound it is
 * dropped, logged and counted) and turned into a notification in the background.
 */
public interface ActivityNotifier {

    /** Queues the activity and returns at once; never throws. */
    void tell(Activity activity);
}
