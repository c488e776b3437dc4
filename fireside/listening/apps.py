from django.apps import AppConfig


class ListeningConfig(AppConfig):
    name = "fireside.listening"
    label = "listening"
    verbose_name = "Listening"

    def ready(self) -> None:
        # New community posts enter the stream, in the worker's task after each post.
        from fireside.community.events import post_created
        from fireside.listening.receivers import on_post_created

        post_created.connect(on_post_created, dispatch_uid="listening_community_post")
