import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
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
export class NotificationsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(UnreadCountMiddleware).forRoutes('{*path}');
  }
}
