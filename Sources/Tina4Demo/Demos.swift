import Tina4

/// Every demo route of the chapter, one file each.
@MainActor
enum Demos {
    static func registerAll() {
        registerEcho()
        registerMirror()
        registerChat()
        registerPrivate()
        registerSecure()
        registerStatus()
        registerAnnouncements()
        registerChatRooms()
        registerLiveChat()
        registerRoom()
        registerNotifications()
        registerProject()
    }
}
