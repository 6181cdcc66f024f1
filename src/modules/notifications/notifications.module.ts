import { Module, type MiddlewareConsumer, type NestModule, type OnModuleInit } from '@nestjs/common';
import { JobHandlers } from '../jobs/job-handlers';
import { MailModule } from '../mail/mail.module';
import { NotificationsPagesController } from './notifications-pages.controller';
import { NotificationsController } from './notifications.controller';
import { NotificationsService } from './notifications.service';
import { OutboxDeliveryService } from './outbox-delivery.service';
import { UnreadCountMiddleware } from './unread-count.middleware';

@Module({
  imports: [MailModule],
  controllers: [NotificationsController, NotificationsPagesController],
  providers: [NotificationsService, OutboxDeliveryService],
  exports: [NotificationsService, OutboxDeliveryService],
})
export class NotificationsModule implements NestModule, OnModuleInit {
  constructor(
    private readonly handlers: JobHandlers,
    private readonly delivery: OutboxDeliveryService,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(UnreadCountMiddleware).forRoutes('{*path}');
  }

  onModuleInit(): void {
    this.handlers.register('notification.deliver', async ({ outboxId }, context) => {
      await this.delivery.deliver(outboxId, context);
    });
    this.handlers.register('maintenance.outbox-sweep', async ({ olderThanMinutes }) => {
      await this.delivery.sweep(olderThanMinutes === undefined ? undefined : olderThanMinutes * 60_000);
    });
  }
}
