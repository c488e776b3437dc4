from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "fireside.relationships"
    label = "relationships"
    verbose_name = "Relationships"

    def ready(self) -> None:
        # A member's new post may change their standing: recompute that one person, in the
        # worker's task after each post.
        from fireside.community.events import post_created
        from fireside.relationships.receivers import on_post_created

        post_created.connect(on_post_created, dispatch_uid="relationships_post")
