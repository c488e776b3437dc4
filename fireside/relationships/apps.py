from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "fireside.relationships"
    label = "relationships"
    verbose_name = "Relationships"

    def ready(self) -> None:
        # A member's new post may change their standing: recompute that one person after
        # the post commits (the receiver only enqueues).
        from django.db.models.signals import post_save

        from fireside.community.models import Post
        from fireside.relationships.receivers import on_post_saved

        post_save.connect(on_post_saved, sender=Post, dispatch_uid="relationships_post")
