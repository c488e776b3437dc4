from django.apps import AppConfig


class ListeningConfig(AppConfig):
    name = "fireside.listening"
    label = "listening"
    verbose_name = "Listening"

    def ready(self) -> None:
        # New community posts enter the stream; the receiver only enqueues after commit.
        from django.db.models.signals import post_save

        from fireside.community.models import Post
        from fireside.listening.receivers import on_post_saved

        post_save.connect(on_post_saved, sender=Post, dispatch_uid="listening_community_post")
